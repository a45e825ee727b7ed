"""The API's paging limits, which the server enforces and its OpenAPI document states."""

MAX_PAGE = 10**6
MAX_PER_PAGE = 100
