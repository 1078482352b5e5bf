"""The national layer's infrastructure: NATS JetStream, the relay's tables in a province store, the national model."""
