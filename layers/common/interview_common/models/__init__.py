"""pydantic models at every boundary: HTTP bodies (api), DynamoDB items (items)."""
