"""Validators of the clearinghouse policy pack, importable without starting the analyzer."""
