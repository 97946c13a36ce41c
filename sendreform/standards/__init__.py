"""Code lists, canonical table schemas, periods and suppression: the shared vocabulary of sendreform.

Pure: nothing here imports Django, so the metrics, forecast and interchange layers can use it anywhere.
"""
