"""Who is calling: Cognito users, their roles (groups) and region, verified from JWTs."""
