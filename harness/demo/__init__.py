"""The bundled demo service: a tiny web service with deliberate problems, for `golive demo`."""
