#!/bin/sh
# Writes the AMI user of the connector from the environment, then starts Asterisk.
set -eu
: "${AMI_SECRET:?set AMI_SECRET to the AMI password shared with the connector}"
mkdir -p /etc/asterisk/manager.d
cat > /etc/asterisk/manager.d/odoo.conf <<CONF
[${AMI_USER:-odoo}]
secret = ${AMI_SECRET}
deny = 0.0.0.0/0.0.0.0
permit = ${AMI_PERMIT:-172.16.0.0/255.240.0.0}
permit = 127.0.0.1/255.255.255.255
read = system,call,agent,user,dtmf,reporting,cdr,dialplan
write = system,call,agent,user,originate,reporting
writetimeout = 5000
CONF
chown -R asterisk:asterisk /etc/asterisk/manager.d
exec "$@"
