"""The network side: transports, TLS, the runner, DNS routes and the MX walk."""
