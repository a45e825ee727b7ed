"""Tools for the tests and the benchmarks, outside the product: nothing in the
product packages (`edge`, `web`, `hardware`, `sync_agent`, `wire`, `gateway`,
`provisioning`, `appliance`) imports them; only `tests/` and `bench/` do.

- `devtools.linksim`: a loopback proxy between box and gateway that throttles
  to a GSM-like link, counts bytes and injects faults request by request.
- `devtools.pgcluster`: a throwaway PostgreSQL cluster for the gateway's
  multi-process tests.
- `devtools.ports`: a free loopback port.
"""
