"""MDF services, a module per sub-domain: `allocations` (funds given to partners), `requests`
(the partner's side of a request), `review` (the vendor's decisions), `claims`, `payments`.
The ledger they all post to is `mdf.ledger`."""
