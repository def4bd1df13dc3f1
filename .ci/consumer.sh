#!/usr/bin/env bash
# A real consumer of the published artifact. Installs this checkout with `mvn install` into a
# temporary local repository, then builds and runs a small generated project that depends on
# dropnet by its Maven coordinates, twice:
#   classpath   no module-info: dropnet is compiled against and run on the class path;
#   modulepath  a module-info with `requires io.github.dropnet;`: dropnet is on the module path.
# Each run uses a Dense and a Dropout layer and checks the numbers. Exits non-zero if the
# install, the build or either run fails.
#
# Nothing outside the temporary folder is written. Plugins and libraries already in the user's
# local repository (~/.m2/repository) are read from it as a file repository, so that a warm
# machine downloads nothing; whatever is missing there comes from Maven Central. Snapshots are
# never taken from it, so a stale dropnet installed there earlier cannot stand in for this one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# The project's own coordinates, from the pom: the first <version> is the project's.
group=io.github.dropnet
artifact=dropnet
version=$(grep -m1 -o '<version>[^<]*</version>' pom.xml | sed 's/<[^>]*>//g')

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dropnet-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

warm=${DROPNET_WARM_REPO:-$HOME/.m2/repository}
warm_repos=""
if [ -d "$warm" ]; then
  warm_repo="<id>warm</id><url>file://$warm</url>
          <releases><enabled>true</enabled></releases>
          <snapshots><enabled>false</enabled></snapshots>"
  warm_repos="<repositories><repository>$warm_repo</repository></repositories>
        <pluginRepositories><pluginRepository>$warm_repo</pluginRepository></pluginRepositories>"
fi
cat > "$tmp/settings.xml" <<EOF
<settings>
  <localRepository>$tmp/repo</localRepository>
  <profiles>
    <profile>
      <id>warm</id>
      $warm_repos
    </profile>
  </profiles>
  <activeProfiles>
    <activeProfile>warm</activeProfile>
  </activeProfiles>
</settings>
EOF
mvn_tmp() { mvn -B -q -s "$tmp/settings.xml" "$@"; }

echo "consumer: installing $group:$artifact:$version into a temporary repository"
mvn_tmp -DskipTests install
jar="$tmp/repo/${group//.//}/$artifact/$version/$artifact-$version.jar"
for classifier in "" -sources -javadoc; do
  f="${jar%.jar}$classifier.jar"
  [ -s "$f" ] || { echo "consumer: $f was not installed" >&2; exit 1; }
done

# ---------------------------------------------------------------- the consumer projects
project="$tmp/consumer"
mkdir -p "$project"
cat > "$project/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumers</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <modules>
    <module>classpath</module>
    <module>modulepath</module>
  </modules>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>$group</groupId>
      <artifactId>$artifact</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
  <build>
    <pluginManagement>
      <plugins>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-resources-plugin</artifactId>
          <version>3.3.1</version>
        </plugin>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-compiler-plugin</artifactId>
          <version>3.13.0</version>
        </plugin>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-surefire-plugin</artifactId>
          <version>3.2.5</version>
        </plugin>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-jar-plugin</artifactId>
          <version>3.4.1</version>
        </plugin>
        <plugin>
          <groupId>org.apache.maven.plugins</groupId>
          <artifactId>maven-install-plugin</artifactId>
          <version>3.1.2</version>
        </plugin>
      </plugins>
    </pluginManagement>
    <plugins>
      <plugin>
        <!-- Writes the resolved class path (dropnet's jar, found by its coordinates) to a file. -->
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.6.1</version>
        <executions>
          <execution>
            <id>class-path</id>
            <phase>package</phase>
            <goals>
              <goal>build-classpath</goal>
            </goals>
            <configuration>
              <outputFile>\${project.build.directory}/dependencies.txt</outputFile>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
EOF

for mode in classpath modulepath; do
  mkdir -p "$project/$mode/src/main/java/example"
  cat > "$project/$mode/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>example</groupId>
    <artifactId>consumers</artifactId>
    <version>1</version>
  </parent>
  <artifactId>$mode</artifactId>
</project>
EOF
  cat > "$project/$mode/src/main/java/example/Main.java" <<'EOF'
package example;

import io.github.dropnet.Tensor;
import io.github.dropnet.layers.Dense;
import io.github.dropnet.layers.Dropout;
import io.github.dropnet.models.Sequential;
import java.util.Arrays;
import java.util.List;

/** Uses dropnet the way an application would: a Dense layer, then Dropout, forward only. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String mode = args[0];
    Module dropnet = Dense.class.getModule();
    if (mode.equals("modulepath")) {
      check(dropnet.isNamed() && dropnet.getName().equals("io.github.dropnet"),
          "dropnet should be the named module io.github.dropnet, found " + dropnet);
      check(Main.class.getModule().getName().equals("example.consumer"),
          "the consumer should be the module example.consumer, found " + Main.class.getModule());
      check(dropnet.isExported("io.github.dropnet.layers"), "layers should be exported");
      check(!dropnet.isExported("io.github.dropnet.kernels"), "kernels should not be exported");
    } else {
      check(!dropnet.isNamed(), "dropnet should be in the unnamed module, found " + dropnet);
    }

    Tensor x = Tensor.of(new double[] {1, -2, 3, 0.5, 4, -1}, 2, 3);
    Dense dense = new Dense(4).seed(7);
    Tensor h = dense.forward(x);
    check(Arrays.equals(h.shape(), new int[] {2, 4}), "Dense output shape " + shape(h));
    List<Tensor> w = dense.getWeights();
    Tensor expected = x.matmul(w.get(0)).add(w.get(1));
    for (int i = 0; i < h.size(); i++) {
      check(Math.abs(h.data()[i] - expected.data()[i]) < 1e-12,
          "Dense output " + h + " differs from x . kernel + bias = " + expected);
    }

    Dropout dropout = new Dropout(0.5).seed(42);
    Tensor inference = dropout.forward(h, false);
    check(Arrays.equals(inference.toArray(), h.toArray()), "Dropout at inference is the identity");
    Tensor training = dropout.forward(h, true);
    for (int i = 0; i < h.size(); i++) {
      double y = training.data()[i];
      check(y == 0 || y == 2 * h.data()[i], "Dropout(0.5) keeps x / 0.5 or 0, found " + training);
    }
    Tensor many = new Dropout(0.5).seed(1).forward(Tensor.ones(1000), true);
    double kept = many.sum() / 2 / 1000;
    check(kept > 0.4 && kept < 0.6, "Dropout(0.5) kept a fraction " + kept + " of 1000 units");

    Sequential model = new Sequential(new Dense(4).seed(7), new Dropout(0.5).seed(42));
    Tensor predicted = model.predict(x);
    check(Arrays.equals(predicted.toArray(), h.toArray()), "Sequential.predict " + predicted);

    System.out.println(mode + ": ok, Dense " + shape(h) + ", kept fraction " + kept
        + ", training output " + training);
  }

  private static String shape(Tensor t) {
    return Arrays.toString(t.shape());
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
EOF
done
cat > "$project/modulepath/src/main/java/module-info.java" <<'EOF'
module example.consumer {
  requires io.github.dropnet;
}
EOF

echo "consumer: building the consumer projects against $group:$artifact:$version"
(cd "$project" && mvn_tmp package)

passed=0
failed=0
run() {
  local mode=$1
  shift
  echo "consumer: java $*"
  if java "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "consumer: the $mode run failed" >&2
  fi
}
cp_deps=$(cat "$project/classpath/target/dependencies.txt")
mp_deps=$(cat "$project/modulepath/target/dependencies.txt")
case "$cp_deps:$mp_deps" in
  *"$jar"*"$jar"*) ;;
  *) echo "consumer: expected $jar on both resolved paths, got '$cp_deps' and '$mp_deps'" >&2
     exit 1 ;;
esac
run classpath -cp "$project/classpath/target/classpath-1.jar:$cp_deps" example.Main classpath
run modulepath -p "$project/modulepath/target/modulepath-1.jar:$mp_deps" \
  -m example.consumer/example.Main modulepath
echo "consumer: $passed passed, $failed failed"
[ "$failed" = 0 ]
