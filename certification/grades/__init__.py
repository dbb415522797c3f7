"""The grade ledger (三岗十八级): the scheme as rows, yearly proposals, HR's review, applying."""
