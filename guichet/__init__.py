"""Guichet — plateforme e-services d'un réseau d'initiative publique (RIP) fibre."""
