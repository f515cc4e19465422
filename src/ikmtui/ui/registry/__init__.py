"""The registry: the IKM table, form and profile; clusters, one cluster, its form and its members."""
