"""A local stand-in for the AWS generative services moto does not play (Bedrock Runtime, Polly), on their own wire protocols."""
