"""A tenant's webhook endpoints: register (the signing secret shown once), list, delete, deliveries, redeliver."""
