"""HTTP routes, one blueprint per concern, and the middleware they share."""
