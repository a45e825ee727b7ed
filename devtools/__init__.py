"""Tools for tests and benchmarks, outside the product: nothing in the product imports them."""
