"""The one Logger, Tracer and Metrics every module imports (service name from POWERTOOLS_SERVICE_NAME)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

from interview_common.pseudonyms import PseudonymisingFormatter

# Every email in a log line (a candidate id, an identity, an exception's text) becomes its pseudonym.
logger = Logger(logger_formatter=PseudonymisingFormatter())
# Patch only what the Lambdas call (the AWS SDK): patching everything imports every supported HTTP and
# database client that happens to be installed (httpx, requests, sqlite3, ...) at each cold start.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics(namespace="LiveInterview")
