"""E-Tracking Perizinan API: a routing table. Handlers live in chalicelib/api/."""

from chalice import Chalice

from chalicelib.api import admin, auth, middleware, system

app = Chalice(app_name="etracking")
middleware.install(app)

app.register_blueprint(system.bp)
app.register_blueprint(auth.bp)
app.register_blueprint(admin.bp)
