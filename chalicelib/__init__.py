"""Domain and adapters of E-Tracking Perizinan; `app.py` only routes to them."""
