"""The Ultravox REST API client: requests, paging, retries, errors and wire models."""
