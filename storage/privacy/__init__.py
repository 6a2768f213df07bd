"""Privacy's queries over every feature's tables: what is stored about one person, the workspace's
export, and erasure. Reads other features' models; no feature reads this package."""
