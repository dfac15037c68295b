"""The path to the label: steps, submissions, evidence and the state machine."""
