"""golive: one readiness verdict for a service, from load, accessibility and security checks."""

__version__ = "0.1.0"
