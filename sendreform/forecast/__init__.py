"""Forecasting plans, places and High Needs cost: a stock-and-flow Monte Carlo model over national curriculum
year x primary need x setting category, with reform scenarios, a backtest and the DfE data template's
projections. Pure: no Django; it reads canonical tables as Arrow or through Ibis.
"""
