"""e-RDV Grand Public (RDV-01..03): technicians' planning and real-time appointment booking."""
