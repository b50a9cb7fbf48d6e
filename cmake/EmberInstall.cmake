# Placeholder: install rules and the EmberConfig package are added by the build infrastructure work.
