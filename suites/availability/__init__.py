"""The availability suite: does the service answer, over HTTPS done right, without leaking its internals."""
