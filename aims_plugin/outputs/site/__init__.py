"""outputs/site"""
