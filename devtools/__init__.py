"""Tools for the tests and the benchmarks, not part of the product.

Nothing in the product packages (`edge`, `web`, `hardware`, `sync_agent`,
`gateway`, `provisioning`, `appliance`) imports this package; only `tests/`
and `bench/` do, with the repository's root on `sys.path`. It is not
installed with the product.

- `devtools.linksim`: a loopback proxy between box and gateway that throttles
  to a GSM-like link, counts bytes and injects faults request by request.
"""
