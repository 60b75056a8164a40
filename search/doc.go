// Package search owns hyperparameter search: parameter spaces (Space,
// Param), samplers (Grid, Random), pruners (MedianPruner) and the concurrent
// driver (Optimize) that runs a study's trials through an Objective and
// records each in a Store.
//
// Reproducibility: trial k of a study gets its params and its seed as a
// function of (study seed, k) alone (TrialSeed, Grid, Random), so a sweep
// gives the same trials and, for a deterministic objective, the same metrics
// at any parallelism, and a resumed study ends with the trials an
// uninterrupted run would have produced. A pruner breaks this on purpose: the
// median rule compares a trial with the trials finished so far, which depends
// on timing.
//
// Stopping: Config.Stop is the first Ctrl-C (stop scheduling; running trials
// get Config.Grace), cancelling the context passed to Optimize is the second
// (cancel running trials, recorded as interrupted). NotifyStop wires both to
// OS signals.
package search
