"""St MBO staff review steps and decide on the label."""
