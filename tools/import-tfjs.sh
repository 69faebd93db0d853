#!/usr/bin/env bash
# Re-creates the converted TF.js models and the golden test outputs from the npm packages:
#   models/emotion/       <- @vladmandic/human@3.3.6 package/models/emotion.json + emotion.bin
#   models/mobilenet_v2/  <- nsfwjs@4.3.0 dist/models/mobilenet_v2 (base64 inside .min.js files)
#   explain-djl/src/test/resources/golden/*.json  <- the original models run by pure-JS TensorFlow.js
# Needs node/npm (npm registry), Maven and Java 17. The tests never run this: they use the committed files.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HUMAN=@vladmandic/human@3.3.6
NSFWJS=nsfwjs@4.3.0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== npm pack $HUMAN $NSFWJS into $WORK"
cd "$WORK"
npm pack --silent "$HUMAN" "$NSFWJS" >/dev/null
mkdir human nsfwjs
tar xzf vladmandic-human-3.3.6.tgz -C human \
    package/models/emotion.json package/models/emotion.bin package/LICENSE package/package.json
tar xzf nsfwjs-4.3.0.tgz -C nsfwjs
node "$ROOT/tools/nsfwjs-decode.js" nsfwjs/package "$WORK/mobilenet_v2"

echo "== build the importer (test scope, both engines)"
cd "$ROOT"
mvn -q -B -pl explain-api,explain-djl test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/tfjs-import-classpath.txt -Dmdep.includeScope=test
CP="explain-djl/target/test-classes:explain-djl/target/classes:$(cat explain-djl/target/tfjs-import-classpath.txt)"
run_java() {
    java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
        io.github.explain4j.djl.tfjs.TfjsImportMain "$@"
}

echo "== convert to models/"
run_java import "$WORK/human/package/models/emotion.json" "$WORK/mobilenet_v2/model.json" "$ROOT/models"
cp "$WORK/human/package/LICENSE" "$ROOT/models/emotion/LICENSE"
cp "$WORK/nsfwjs/package/LICENSE" "$ROOT/models/mobilenet_v2/LICENSE"

echo "== golden outputs with TensorFlow.js"
run_java inputs "$ROOT" "$WORK/inputs"
(cd "$ROOT/tools" && npm ci --silent --no-audit --no-fund)
node "$ROOT/tools/tfjs-golden.js" "$WORK/human/package/models/emotion.json" "$WORK/mobilenet_v2/model.json" \
    "$WORK/inputs" "$ROOT/explain-djl/src/test/resources/golden"

echo "== done; check with: mvn -q -B -pl explain-api,explain-djl test -Dtest='Tfjs*' -Dsurefire.failIfNoSpecifiedTests=false"
git -C "$ROOT" status --short models explain-djl/src/test/resources/golden
