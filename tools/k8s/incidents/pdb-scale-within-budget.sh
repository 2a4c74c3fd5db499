#!/usr/bin/env bash
# Benign look-alike of pdb-scale-down.sh: a Deployment of 4 pods under a PodDisruptionBudget
# minAvailable 2 is scaled to 2 (the budget stays met: 2 healthy, 2 required), then back to 4.
# Truth: benign (no insight of severity medium or above).
SCALE_FROM="${SCALE_FROM:-4}" SCALE_TO="${SCALE_TO:-2}" MIN_AVAILABLE="${MIN_AVAILABLE:-2}" VIOLATED_FOR="${VIOLATED_FOR:-60}" \
  exec bash "$(dirname "$0")/pdb-scale-down.sh" "$@"
