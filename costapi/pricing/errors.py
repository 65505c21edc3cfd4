"""The one error the engine raises: a request it cannot price."""


class PricingError(ValueError):
    """A problem the client can fix; `field` names it ("phases", "phases.<name>")."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
