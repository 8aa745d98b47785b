"""Bianmin (便民): the convenience services of a Chinese county as one system."""
