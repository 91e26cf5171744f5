"""One module per use case; each gets its data access and ports passed in and never sees boto3."""
