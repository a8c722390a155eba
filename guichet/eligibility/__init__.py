"""Eligibilité FTTE/FTTH (ELI-01..03): per-offer answers from the network inventory."""
