"""Use cases: load rows, build engine inputs, run the engine, persist."""
