"""The security suite: HTTP hygiene checks and OWASP ZAP scans."""
