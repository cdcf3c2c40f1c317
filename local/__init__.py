"""The local embedded stack: moto's server, the app behind Chalice's local gateway, SQS delivery.

Nothing here is imported by the application; it only provides what AWS provides.
"""
