"""The performance suite: a Locust load test against the target, judged against latency, error and throughput SLOs."""
