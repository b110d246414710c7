"""Adapters: one module per outside system (DynamoDB, S3, SNS/SQS, Cognito), each implementing a port of shared.domain."""
