"""Documents made in the background: what can be made, the worker's runner, its pages."""
