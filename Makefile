# smime-pickup: few verbs. `make run` and `make test` build first.
PREFIX  ?= /usr/local
DESTDIR ?=
MVN     ?= mvn -B -q
CONF    ?= conf/local.conf

JAR := target/smime-pickup.jar

.PHONY: build run test clean

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) package -DskipTests

# Runs the daemon in the foreground on conf/local.conf (everything under ./var/), with DEMO keys
# made on first run and the fixture messages dropped into the inbox. Stop it with Ctrl-C.
run: build
	bin/smime-pickup demo-setup --config $(CONF)
	bin/smime-pickup drop --config $(CONF) test-fixtures/realistic/*.eml
	@echo "outputs go to ./var/pmta-pickup; originals to ./var/spool/done and ./var/spool/failed"
	bin/smime-pickup run --config $(CONF)

# Every test, including the end-to-end ones that run the real daemon and check its output with
# openssl cms, gpgsm and NSS cmsutil (install them first: see .ci/run).
test: build
	$(MVN) test

clean:
	rm -rf target var
