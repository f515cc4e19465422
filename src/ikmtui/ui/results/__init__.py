"""The programme's results: facilitations (key 9), the yearly targets and budget, each IKM's yearly figures."""
