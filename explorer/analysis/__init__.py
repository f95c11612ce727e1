"""The analysis layer: routes, the critical path, reachability, drift risks, Monte Carlo
simulation, what-if changes and calibration against published figures.
"""
