// The official Node `twilio` client against a numbersmith server in Twilio's flavour.
//
// Run by tests/conformance/test_node_client.py, which starts the server and passes it here:
// NUMBERSMITH_URL, ACCOUNT_SID, AUTH_TOKEN, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";

import twilio from "twilio";

const env = process.env;
const BASE_URL = env.NUMBERSMITH_URL;

function connect(accountSid, authToken) {
  // The client refuses an account sid that does not start with AC, before any request.
  const client = twilio(accountSid, authToken, { env: {} });
  client.api.baseUrl = BASE_URL;
  return client;
}

const client = connect(env.ACCOUNT_SID, env.AUTH_TOKEN);
const testClient = connect(env.TEST_ACCOUNT_SID, env.TEST_AUTH_TOKEN);

test("the client refuses a SignalWire project id", () => {
  assert.throws(() => twilio("5f1c3e7a-0000-4000-8000-000000000000", env.AUTH_TOKEN), /AC/);
});

test("buy, fetch, update and release a number", async () => {
  const number = await client.incomingPhoneNumbers.create({
    areaCode: "310",
    friendlyName: "node",
    voiceUrl: "https://example.com/voice",
  });
  assert.match(number.sid, /^PN[0-9a-f]{32}$/);
  assert.match(number.phoneNumber, /^\+1310\d{7}$/);
  assert.equal(number.accountSid, env.ACCOUNT_SID);
  assert.equal(number.status, "in-use");
  assert.equal(number.bundleSid, null);
  assert.equal(number.emergencyAddressStatus, "unregistered");
  assert.deepEqual(number.capabilities, { voice: true, sms: true, mms: true, fax: true });
  assert.ok(number.dateCreated instanceof Date && !isNaN(number.dateCreated));
  assert.equal(
    number.uri,
    `/2010-04-01/Accounts/${env.ACCOUNT_SID}/IncomingPhoneNumbers/${number.sid}.json`,
  );

  const fetched = await client.incomingPhoneNumbers(number.sid).fetch();
  assert.equal(fetched.phoneNumber, number.phoneNumber);
  const updated = await client.incomingPhoneNumbers(number.sid).update({ smsUrl: "https://example.com/sms" });
  assert.equal(updated.smsUrl, "https://example.com/sms");
  assert.equal(updated.voiceUrl, "https://example.com/voice");

  assert.equal(await client.incomingPhoneNumbers(number.sid).remove(), true);
  await assert.rejects(client.incomingPhoneNumbers(number.sid).fetch(), (error) => {
    assert.equal(error.status, 404);
    assert.equal(error.code, 20404);
    return true;
  });
});

test("list pages through every number", async () => {
  const bought = [];
  for (let i = 0; i < 5; i++) {
    bought.push((await client.incomingPhoneNumbers.create({ areaCode: "415" })).sid);
  }
  const listed = await client.incomingPhoneNumbers.list({ pageSize: 2 });
  const sids = listed.map((number) => number.sid);
  for (const sid of bought) assert.ok(sids.includes(sid), sid);
  assert.equal(new Set(sids).size, sids.length);

  const page = await client.incomingPhoneNumbers.page({ pageSize: 2 });
  assert.equal(page.instances.length, 2);
  const next = await page.nextPage();
  assert.ok(next.instances.length > 0);
});

test("errors carry Twilio's codes", async () => {
  await assert.rejects(client.incomingPhoneNumbers.create({ areaCode: "999" }), (error) => {
    assert.equal(error.status, 400);
    assert.equal(error.code, 21451);
    return true;
  });
  const wrong = connect(env.ACCOUNT_SID, "0".repeat(32));
  await assert.rejects(wrong.incomingPhoneNumbers.list(), (error) => error.status === 401 && error.code === 20003);
});

test("search for available numbers, then buy one", async () => {
  const found = await client.availablePhoneNumbers("US").local.list({ areaCode: "212", limit: 3 });
  assert.equal(found.length, 3);
  assert.match(found[0].phoneNumber, /^\+1212\d{7}$/);
  const bought = await client.incomingPhoneNumbers.create({ phoneNumber: found[0].phoneNumber });
  assert.equal(bought.phoneNumber, found[0].phoneNumber);
});

test("applications need no name, and numbers can name them", async () => {
  const application = await client.applications.create({ smsUrl: "https://example.com/app-sms" });
  assert.match(application.sid, /^AP[0-9a-f]{32}$/);
  assert.equal(application.friendlyName, null);
  assert.equal(application.publicApplicationConnectEnabled, false);
  const number = await client.incomingPhoneNumbers.create({ areaCode: "310", smsApplicationSid: application.sid });
  assert.equal(number.smsApplicationSid, application.sid);
  assert.equal(await client.applications(application.sid).remove(), true);
});

test("test credentials: the magic numbers", async () => {
  const number = await testClient.incomingPhoneNumbers.create({ phoneNumber: "+15005550006" });
  assert.equal(number.phoneNumber, "+15005550006");
  assert.equal(number.accountSid, env.TEST_ACCOUNT_SID);
  const expected = { "+15005550000": 21422, "+15005550001": 21421 };
  for (const [phoneNumber, code] of Object.entries(expected)) {
    await assert.rejects(testClient.incomingPhoneNumbers.create({ phoneNumber }), (error) => error.code === code);
  }
  await assert.rejects(testClient.incomingPhoneNumbers.create({ areaCode: "533" }), (error) => error.code === 21452);
  await assert.rejects(testClient.incomingPhoneNumbers.list(), (error) => error.status === 403 && error.code === 20008);
  const live = await client.incomingPhoneNumbers.list({ phoneNumber: "+15005550006" });
  assert.equal(live.length, 0);
});

// A webhook of a simulated message, validated by the client's own validateRequest.
let receiver;
const received = [];
before(async () => {
  receiver = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, params: Object.fromEntries(new URLSearchParams(body)) });
      response.writeHead(200, { "Content-Type": "text/xml" });
      response.end("<Response/>");
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});
after(() => receiver.close());

test("webhooks are signed with the auth token in X-Twilio-Signature only", async () => {
  const url = `http://127.0.0.1:${receiver.address().port}/sms`;
  const number = await client.incomingPhoneNumbers.create({ areaCode: "310", smsUrl: url });
  const answer = await fetch(`${BASE_URL}/api/numbersmith/v1/Accounts/${env.ACCOUNT_SID}/InboundMessages`, {
    method: "POST",
    headers: {
      Authorization: "Basic " + Buffer.from(`${env.ACCOUNT_SID}:${env.AUTH_TOKEN}`).toString("base64"),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ To: number.phoneNumber, From: "+14155550100", Body: "hello" }),
  });
  assert.equal(answer.status, 201);
  const [request] = received;
  assert.equal(request.headers["x-signalwire-signature"], undefined);
  assert.match(request.params.MessageSid, /^SM[0-9a-f]{32}$/);
  assert.ok(twilio.validateRequest(env.AUTH_TOKEN, request.headers["x-twilio-signature"], url, request.params));
});
