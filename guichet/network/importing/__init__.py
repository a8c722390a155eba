"""Importers of the network inventory: one framework (:mod:`.base`), one module per format."""
