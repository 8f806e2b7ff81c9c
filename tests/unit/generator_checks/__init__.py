"""Independent checks of the generators, one module per track; test_generators runs them."""
