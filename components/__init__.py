"""ComponentResources that turn typed settings into Docker and command resources."""
