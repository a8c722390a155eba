"""Exporters of the network inventory: the files the Provider sends to operators (IPE)."""
