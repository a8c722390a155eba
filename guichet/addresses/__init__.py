"""TAO and address resolution: every key the market uses, and free text, to one address."""
